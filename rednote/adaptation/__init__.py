"""The adaptation study: user segments, anomalies, hashtag communities."""
