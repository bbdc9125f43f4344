"""Letters to vendors that are followed up: sent, answered or not, counted for a campaign.

`vendorwatch.outreach.letters` records a letter (from the library audit) as sent for an
organisation and its reply; `vendorwatch.outreach.follow` says where each letter stands on a
day (answered, waiting, overdue), dates the events of an institution's timeline and counts
the institutions per vendor family.
"""
