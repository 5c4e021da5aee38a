import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { RouterProvider } from 'react-router';
import { createQueryClient } from '../api/query-client';
import { createRouter } from './router';
import { useSignedOutHandler } from './SessionGate';

function Session({ router }: { router: ReturnType<typeof createRouter> }) {
  useSignedOutHandler();
  return <RouterProvider router={router} />;
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(createRouter);
  return (
    <QueryClientProvider client={queryClient}>
      <Session router={router} />
    </QueryClientProvider>
  );
}
