"""What a user does with the cloud, as plain async functions over PasqalClient (no Textual)."""
