export * from './facts';
export * from './pod-blueprint';

