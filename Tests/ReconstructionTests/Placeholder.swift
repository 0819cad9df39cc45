// Tests for Reconstruction live in this folder.
