from pasqal_tui.cli import main

raise SystemExit(main())
