import sys

try:
    from vendorwatch.cli.app import main
except KeyboardInterrupt:  # Ctrl-C while starting up: nothing was done yet
    sys.stderr.write("error: interrupted; nothing changed\n")
    raise SystemExit(130) from None

main()
