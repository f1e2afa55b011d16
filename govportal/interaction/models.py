"""Models of the interaction app."""
