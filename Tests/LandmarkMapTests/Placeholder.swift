// Tests for LandmarkMap live in this folder.
