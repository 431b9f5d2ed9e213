# failures
