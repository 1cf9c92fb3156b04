import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { I18nProvider } from './i18n/i18n';
import { RouterProvider } from './router';
import { SessionProvider } from './session';
import { LiveProvider } from './live';
import './styles.css';

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <I18nProvider>
      <RouterProvider>
        <SessionProvider>
          <LiveProvider>
            <App />
          </LiveProvider>
        </SessionProvider>
      </RouterProvider>
    </I18nProvider>
  </StrictMode>,
);
