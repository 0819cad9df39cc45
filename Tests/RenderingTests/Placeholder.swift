// Tests for Rendering live in this folder.
