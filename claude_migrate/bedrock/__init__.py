"""Amazon Bedrock's own answer about a Region (live through boto3, or from a saved snapshot) and its
comparison with the catalogue.

May import ``data`` only; boto3 is imported inside the live call, never at module level.
"""
