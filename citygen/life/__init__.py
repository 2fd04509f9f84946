"""The parts of ``citygen.more``: one module per app whose records it generates in bulk."""
