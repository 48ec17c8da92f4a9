"""Statistics of hardship assistance: the page and the standard .xlsx report."""
