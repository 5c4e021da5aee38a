import { ReadyStatus } from '../features/health/ReadyStatus';
import { DesktopVersion } from './DesktopVersion';

export function App() {
  return (
    <main className="app">
      <h1>Nightshift</h1>
      <ReadyStatus />
      <nav>
        <a href="/docs">API docs (Swagger UI)</a>
        <a href="/redoc">API reference (ReDoc)</a>
      </nav>
      <DesktopVersion />
    </main>
  );
}
