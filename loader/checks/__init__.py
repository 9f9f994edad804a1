"""What the loader checks while a file streams: the gzip stream, the header, every value."""

from loader.checks.gunzip import Gunzip
from loader.checks.trip_csv import TripCsvCheck

__all__ = ["Gunzip", "TripCsvCheck"]
