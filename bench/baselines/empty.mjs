// Baseline for startup: Node itself starting and exiting, the floor under any CLI.
