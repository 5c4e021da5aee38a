const BASE_URL = "https://your-instance.overwatch.com/api/v1";

async function login(email, password) {
  const response = await fetch(`${BASE_URL}/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });

  if (!response.ok) {
    const error = await response.json();
    throw new Error(error.detail || "Login failed");
  }

  const data = await response.json();
  // data.access_token — use in Authorization header
  // data.refresh_token — store securely for token refresh
  return data;
}

// Usage
const session = await login("engineer@example.com", "your-password");
const token = session.access_token;
