import requests

BASE_URL = "https://your-instance.overwatch.com/api/v1"

def login(email: str, password: str) -> dict:
    response = requests.post(
        f"{BASE_URL}/auth/login",
        json={"email": email, "password": password},
    )
    response.raise_for_status()
    return response.json()

# Usage
session = login("engineer@example.com", "your-password")
token = session["access_token"]

# Create a reusable session with the token
api = requests.Session()
api.headers.update({"Authorization": f"Bearer {token}"})
