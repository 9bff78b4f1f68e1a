import MLBench
print("bench")
