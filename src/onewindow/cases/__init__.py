"""Applications and cases (办件): acceptance at a window, classified handling, suspension,
extension, 容缺, delivery; one transition service and a hash-chained event log."""
