"""The small real datasets `tutor train` uses (CSV files), shipped inside the package as tutor.datasets."""
