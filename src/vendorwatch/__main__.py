from vendorwatch.cli.app import main

main()
