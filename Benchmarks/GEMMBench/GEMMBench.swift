import MLBench
