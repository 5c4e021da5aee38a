const API_KEY = "overwatch_ak_1a2b3c4d5e6f7890";

async function listActiveIncidents() {
  const response = await fetch(
    `${BASE_URL}/incidents?status=active`,
    {
      headers: { "X-API-Key": API_KEY },
    }
  );

  if (!response.ok) {
    const error = await response.json();
    throw new Error(error.detail || "Request failed");
  }

  return response.json();
}
