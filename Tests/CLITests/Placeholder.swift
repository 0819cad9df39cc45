// Tests for CLI live in this folder.
