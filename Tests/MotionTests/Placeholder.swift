// Tests for Motion live in this folder.
