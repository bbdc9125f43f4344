"""vendorwatch: follow the money between U.S. immigration enforcement and its vendors."""
