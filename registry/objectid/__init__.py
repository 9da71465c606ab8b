"""Object ID standard rules: categories, statuses, measurements and dates, free of any web framework."""
