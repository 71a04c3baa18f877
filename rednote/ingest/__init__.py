"""From a crawler's export to clean posts: layouts, parsing, cleaning, privacy."""
