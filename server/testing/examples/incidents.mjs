async function listIncidents(token, { status, severity, limit = 25 } = {}) {
  const params = new URLSearchParams();
  if (status) params.set("status", status);
  if (severity) params.set("severity", severity);
  params.set("limit", String(limit));

  const response = await fetch(
    `${BASE_URL}/incidents?${params.toString()}`,
    {
      headers: { Authorization: `Bearer ${token}` },
    }
  );

  if (!response.ok) {
    const error = await response.json();
    throw new Error(error.detail || "Failed to list incidents");
  }

  return response.json();
}

// Usage
const result = await listIncidents(token, {
  status: "active",
  severity: "high",
});

console.log(`Found ${result.meta.total} incidents`);
for (const incident of result.data) {
  console.log(`[${incident.severity}] ${incident.title}`);
}

async function createIncident(token, { title, severity, description }) {
  const response = await fetch(`${BASE_URL}/incidents`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
    },
    body: JSON.stringify({ title, severity, description }),
  });

  if (!response.ok) {
    const error = await response.json();
    throw new Error(error.detail || "Failed to create incident");
  }

  return response.json();
}

// Usage
const incident = await createIncident(token, {
  title: "Redis cluster failover in us-east-1",
  severity: "critical",
  description:
    "Primary Redis node became unreachable at 14:32 UTC. " +
    "Sentinel promoted a replica, but several services experienced " +
    "cache misses and elevated latency during the failover window.",
});

console.log(`Created incident ${incident.id}`);
