export * from './formats';
export * from './schemas';
export * from './schema-validator';
export * from './contract-validator';
export * from './parse-definition';
export * from './bundle';
export * from './asyncapi';
