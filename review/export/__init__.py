"""Export: the corrected translation in its original layout, interchange files and reports."""
