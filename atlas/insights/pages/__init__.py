"""The insights pages, one module each, and what they share (`figure`)."""
