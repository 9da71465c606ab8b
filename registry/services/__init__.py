"""Write operations on records and photos: the only code that commits to the database."""
