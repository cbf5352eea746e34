// Entry point: load /zipkin/config.json (falling back to Zipkin's defaults), then render the app.
import { render } from 'preact';
import { errorMessage } from './api/client';
import { DEFAULT_CONFIG, loadConfig, type UiConfig } from './api/config';
import { App } from './app';
import './styles.css';

async function start(root: HTMLElement) {
  let config: UiConfig = DEFAULT_CONFIG;
  let configError: string | undefined;
  try {
    config = await loadConfig();
  } catch (e) {
    configError = errorMessage(e);
  }
  render(<App config={config} configError={configError} />, root);
}

const root = document.getElementById('app');
if (root) {
  start(root).catch((e) => {
    root.textContent = `The trace UI failed to start: ${errorMessage(e)}`;
  });
}
