"""taxi-elt loader: land the monthly NYC TLC trip files for dbt to merge."""

__version__ = "0.1.0"
