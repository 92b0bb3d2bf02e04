from thematica.cli import main

main()
