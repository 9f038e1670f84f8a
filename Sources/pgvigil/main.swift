import PGVigil
import ArgumentParser
print("hi")
