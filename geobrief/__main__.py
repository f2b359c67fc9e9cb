from geobrief.cli import main

main()
