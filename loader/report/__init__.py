"""The report page (`python -m loader report`): what the warehouse holds, as one HTML file."""
