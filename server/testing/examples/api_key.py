API_KEY = "overwatch_ak_1a2b3c4d5e6f7890"

api_key_session = requests.Session()
api_key_session.headers.update({"X-API-Key": API_KEY})

response = api_key_session.get(f"{BASE_URL}/incidents", params={"status": "active"})
response.raise_for_status()
incidents = response.json()
