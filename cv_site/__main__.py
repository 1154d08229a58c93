from cv_site.cli import main

raise SystemExit(main())
