"""Allow ``python -m claude_migrate``."""

from claude_migrate.cli import main

if __name__ == "__main__":
    main()
