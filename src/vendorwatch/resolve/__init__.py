"""Entity resolution: each recipient name (with its UEI, parent UEI, DUNS) to an organisation
in the registry and to its company family as of a date, with the reason recorded."""

from vendorwatch.resolve.normalise import normalise, tokens
from vendorwatch.resolve.resolver import ACCEPT, REVIEW, Decision, Match, Resolver

__all__ = ["ACCEPT", "REVIEW", "Decision", "Match", "Resolver", "normalise", "tokens"]
