"""Models of the appraisals app."""
