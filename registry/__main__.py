"""`python -m registry ...` runs the `registry` command (handy from a source checkout or a worktree)."""

from registry.cli import main

main()
