from cxgov.cli import main

main()
