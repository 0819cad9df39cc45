// Tests for Localization live in this folder.
