// Tests for AssetPipeline live in this folder.
