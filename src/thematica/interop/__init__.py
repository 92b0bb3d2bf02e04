"""Exchange with other files and tools: coder packages now; REFI-QDA, tables and Word next."""
