"""The PRR feed from central: checking deliveries, deciding each record's outcome, ACKs."""
