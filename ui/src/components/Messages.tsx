// Error, notice and loading messages, and the error boundary that keeps a rendering bug from
// leaving a blank page.
import { Component, type ComponentChildren } from 'preact';

export function ErrorMessage(props: { title?: string; message: string; children?: ComponentChildren }) {
  return (
    <div class="message error" role="alert" data-testid="error-message">
      {props.title && <strong>{props.title}</strong>}
      <span>{props.message}</span>
      {props.children}
    </div>
  );
}

export function Notice(props: { children: ComponentChildren; testId?: string }) {
  return (
    <div class="message notice" data-testid={props.testId}>
      {props.children}
    </div>
  );
}

export function Loading(props: { what: string }) {
  return (
    <div class="loading" aria-busy="true">
      <span class="spinner" /> Loading {props.what}…
    </div>
  );
}

export class ErrorBoundary extends Component<{ children: ComponentChildren }, { error?: Error }> {
  state: { error?: Error } = {};

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  componentDidCatch(error: unknown) {
    console.error('cairn UI:', error);
  }

  render() {
    if (this.state.error) {
      return (
        <ErrorMessage title="This page failed to render." message={this.state.error.message}>
          <a href={window.location.href}>Reload</a>
        </ErrorMessage>
      );
    }
    return this.props.children;
  }
}
