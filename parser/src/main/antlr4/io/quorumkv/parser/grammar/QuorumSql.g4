/*
 * QuorumKV's SQL dialect (docs/sql.md). The parse tree is turned into the typed AST of
 * io.quorumkv.parser.ast by io.quorumkv.parser.AstBuilder; nothing outside the parser module
 * sees these generated classes.
 *
 * Conventions:
 *  - keywords are case-insensitive (caseInsensitive option); unquoted identifiers are folded to
 *    upper case by the AST builder, "quoted" identifiers are kept as written;
 *  - the keywords listed in nonReserved may also be used as identifiers;
 *  - the lexer never fails: malformed input becomes an error token (UNTERMINATED_*, ERROR_CHAR)
 *    that no parser rule accepts, so every problem is reported by the parser at its position;
 *  - literal values (ranges, hex digits, timestamps) are checked by the AST builder.
 */
grammar QuorumSql;

options {
    caseInsensitive = true;
}

// ---------------------------------------------------------------------------------------------
// Statements

// One or more statements separated by ';'. Empty statements (";;") are allowed and ignored.
script
    : SEMICOLON* (statement (SEMICOLON+ statement)*)? SEMICOLON* EOF
    ;

statement
    : EXPLAIN explainableStatement                                   #explain
    | explainableStatement                                           #plainStatement
    ;

explainableStatement
    : createTable
    | dropTable
    | alterTable
    | showTables
    | describeTable
    | insert
    | update
    | delete
    | select
    ;

createTable
    : CREATE TABLE (IF NOT EXISTS)? identifier
      LPAREN tableElement (COMMA tableElement)* RPAREN
      (WITH LPAREN tableOption (COMMA tableOption)* RPAREN)?
    ;

tableElement
    : columnDefinition                                               #columnElement
    | PRIMARY KEY LPAREN identifier (COMMA identifier)* RPAREN       #primaryKeyElement
    ;

columnDefinition
    : identifier dataType columnConstraint*
    ;

columnConstraint
    : NOT NULL                                                       #notNullConstraint
    | NULL                                                           #nullConstraint
    | PRIMARY KEY                                                    #primaryKeyConstraint
    ;

tableOption
    : identifier EQ literal
    ;

dropTable
    : DROP TABLE (IF EXISTS)? identifier
    ;

alterTable
    : ALTER TABLE identifier ADD COLUMN? columnDefinition
    ;

showTables
    : SHOW TABLES
    ;

describeTable
    : (DESCRIBE | DESC) identifier
    ;

insert
    : verb=(INSERT | UPSERT) INTO identifier columnList? insertSource
    ;

insertSource
    : VALUES row (COMMA row)* (IF NOT EXISTS)?                       #valuesSource
    | query                                                          #querySource
    ;

columnList
    : LPAREN identifier (COMMA identifier)* RPAREN
    ;

row
    : LPAREN expression (COMMA expression)* RPAREN
    ;

update
    : UPDATE identifier SET assignment (COMMA assignment)* (WHERE where=expression)? writeCondition?
    ;

assignment
    : identifier EQ expression
    ;

delete
    : DELETE FROM identifier (WHERE where=expression)? writeCondition?
    ;

writeCondition
    : IF EXISTS                                                      #ifExists
    | IF expression                                                  #ifCondition
    ;

// A top-level query, optionally a conditional read: the rows are returned only if the condition
// holds (SELECT ... WHERE pk = ? IF _version > ?).
select
    : query (IF condition=expression)?
    ;

// ---------------------------------------------------------------------------------------------
// Queries

// A query expression: SELECTs combined by set operations (INTERSECT binds more tightly than UNION
// and EXCEPT, all associate to the left), with ORDER BY, LIMIT and OFFSET for the whole result.
query
    : queryBody
      (ORDER BY sortItem (COMMA sortItem)*)?
      (LIMIT limit=rowCount)?
      (OFFSET offset=rowCount)?
    ;

queryBody
    : queryPrimary                                                   #primaryQuery
    | left=queryBody operator=INTERSECT quantifier=(ALL | DISTINCT)? right=queryBody #setQuery
    | left=queryBody operator=(UNION | EXCEPT) quantifier=(ALL | DISTINCT)? right=queryBody #setQuery
    ;

queryPrimary
    : querySpecification                                             #selectQuery
    | LPAREN query RPAREN                                            #parenthesizedQuery
    ;

querySpecification
    : SELECT DISTINCT? selectItem (COMMA selectItem)*
      (FROM relation (COMMA relation)*)?
      (WHERE where=expression)?
      (GROUP BY expression (COMMA expression)*)?
      (HAVING having=expression)?
    ;

rowCount
    : INTEGER_VALUE
    | QUESTION
    ;

selectItem
    : ASTERISK                                                       #selectAll
    | identifier DOT ASTERISK                                        #selectAllOf
    | expression (AS? identifier)?                                   #selectSingle
    ;

relation
    : left=relation CROSS JOIN right=relationPrimary                 #crossJoin
    | left=relation joinType JOIN right=relationPrimary ON expression #qualifiedJoin
    | relationPrimary                                                #relationDefault
    ;

joinType
    : INNER?
    | LEFT OUTER?
    | RIGHT OUTER?
    | FULL OUTER?
    ;

relationPrimary
    : identifier (AS? alias=identifier)?                             #tableRelation
    | LPAREN query RPAREN (AS? alias=identifier)?                    #subqueryRelation
    | LPAREN relation RPAREN                                         #parenthesizedRelation
    ;

sortItem
    : expression ordering=(ASC | DESC)? (NULLS nullOrdering=(FIRST | LAST))?
    ;

// ---------------------------------------------------------------------------------------------
// Expressions, loosest binding first: OR, AND, NOT, predicates, ||, + -, * / %, unary -, primary.

expression
    : booleanExpression
    ;

booleanExpression
    : valueExpression predicate?                                     #predicated
    | NOT booleanExpression                                          #logicalNot
    | left=booleanExpression AND right=booleanExpression             #logicalAnd
    | left=booleanExpression OR right=booleanExpression              #logicalOr
    ;

predicate
    : comparisonOperator right=valueExpression                       #comparison
    | NOT? BETWEEN lower=valueExpression AND upper=valueExpression    #between
    | NOT? IN LPAREN query RPAREN                                    #inSubquery
    | NOT? IN LPAREN expression (COMMA expression)* RPAREN           #inList
    | NOT? LIKE pattern=valueExpression (ESCAPE escape=valueExpression)? #like
    | IS NOT? NULL                                                   #nullPredicate
    ;

valueExpression
    : primaryExpression                                              #valueDefault
    | operator=(MINUS | PLUS) valueExpression                        #arithmeticUnary
    | left=valueExpression operator=(ASTERISK | SLASH | PERCENT) right=valueExpression #arithmeticBinary
    | left=valueExpression operator=(PLUS | MINUS) right=valueExpression #arithmeticBinary
    | left=valueExpression CONCAT right=valueExpression              #concatenation
    ;

primaryExpression
    : literal                                                        #literalExpression
    | QUESTION                                                       #parameter
    | CAST LPAREN expression AS dataType RPAREN                      #cast
    | CASE operand=expression? whenClause+ (ELSE otherwise=expression)? END #caseExpression
    | EXISTS LPAREN query RPAREN                                     #exists
    | SUBSTRING LPAREN expression FROM start=expression (FOR count=expression)? RPAREN #substring
    | POSITION LPAREN sub=valueExpression IN string=valueExpression RPAREN #position
    | TRIM LPAREN side=(BOTH | LEADING | TRAILING)? chars=valueExpression? FROM string=expression RPAREN #trim
    | LPAREN query RPAREN                                            #scalarSubquery
    | identifier LPAREN ASTERISK RPAREN                              #functionCallStar
    | identifier LPAREN (DISTINCT? expression (COMMA expression)*)? RPAREN #functionCall
    | qualifier=identifier DOT column=identifier                     #qualifiedColumn
    | identifier                                                     #column
    | LPAREN expression RPAREN                                       #parenthesized
    ;

whenClause
    : WHEN condition=expression THEN result=expression
    ;

literal
    : NULL                                                           #nullLiteral
    | (TRUE | FALSE)                                                 #booleanLiteral
    | INTEGER_VALUE                                                  #integerLiteral
    | DECIMAL_VALUE                                                  #decimalLiteral
    | DOUBLE_VALUE                                                   #doubleLiteral
    | STRING                                                         #stringLiteral
    | BINARY_STRING                                                  #binaryLiteral
    | TIMESTAMP STRING                                               #timestampLiteral
    ;

comparisonOperator
    : EQ | NEQ | LT | LTE | GT | GTE
    ;

// Type names are identifiers resolved by the AST builder, so they are not reserved words.
dataType
    : identifier (LPAREN INTEGER_VALUE (COMMA INTEGER_VALUE)? RPAREN)?
    ;

identifier
    : IDENTIFIER                                                     #unquotedIdentifier
    | QUOTED_IDENTIFIER                                              #quotedIdentifier
    | nonReserved                                                    #keywordIdentifier
    ;

// Keywords that are also valid identifiers. Keep in sync with AstPrinter.RESERVED (a test checks).
nonReserved
    : ADD | COLUMN | DESCRIBE | EXPLAIN | FIRST | KEY | LAST | NULLS | POSITION | SHOW | SUBSTRING
    | TABLES | TIMESTAMP | TRIM
    ;

// ---------------------------------------------------------------------------------------------
// Lexer

ADD: 'ADD';
ALL: 'ALL';
ALTER: 'ALTER';
AND: 'AND';
AS: 'AS';
ASC: 'ASC';
BETWEEN: 'BETWEEN';
BOTH: 'BOTH';
BY: 'BY';
CASE: 'CASE';
CAST: 'CAST';
COLUMN: 'COLUMN';
CREATE: 'CREATE';
CROSS: 'CROSS';
DELETE: 'DELETE';
DESC: 'DESC';
DESCRIBE: 'DESCRIBE';
DISTINCT: 'DISTINCT';
DROP: 'DROP';
ELSE: 'ELSE';
END: 'END';
ESCAPE: 'ESCAPE';
EXCEPT: 'EXCEPT';
EXISTS: 'EXISTS';
EXPLAIN: 'EXPLAIN';
FALSE: 'FALSE';
FIRST: 'FIRST';
FOR: 'FOR';
FROM: 'FROM';
FULL: 'FULL';
GROUP: 'GROUP';
HAVING: 'HAVING';
IF: 'IF';
IN: 'IN';
INNER: 'INNER';
INSERT: 'INSERT';
INTERSECT: 'INTERSECT';
INTO: 'INTO';
IS: 'IS';
JOIN: 'JOIN';
KEY: 'KEY';
LAST: 'LAST';
LEADING: 'LEADING';
LEFT: 'LEFT';
LIKE: 'LIKE';
LIMIT: 'LIMIT';
NOT: 'NOT';
NULL: 'NULL';
NULLS: 'NULLS';
OFFSET: 'OFFSET';
ON: 'ON';
OR: 'OR';
ORDER: 'ORDER';
OUTER: 'OUTER';
POSITION: 'POSITION';
PRIMARY: 'PRIMARY';
RIGHT: 'RIGHT';
SELECT: 'SELECT';
SET: 'SET';
SHOW: 'SHOW';
SUBSTRING: 'SUBSTRING';
TABLE: 'TABLE';
TABLES: 'TABLES';
THEN: 'THEN';
TRAILING: 'TRAILING';
TRIM: 'TRIM';
TIMESTAMP: 'TIMESTAMP';
TRUE: 'TRUE';
UNION: 'UNION';
UPDATE: 'UPDATE';
UPSERT: 'UPSERT';
VALUES: 'VALUES';
WHEN: 'WHEN';
WHERE: 'WHERE';
WITH: 'WITH';

EQ: '=';
NEQ: '<>' | '!=';
LT: '<';
LTE: '<=';
GT: '>';
GTE: '>=';
PLUS: '+';
MINUS: '-';
ASTERISK: '*';
SLASH: '/';
PERCENT: '%';
CONCAT: '||';
LPAREN: '(';
RPAREN: ')';
COMMA: ',';
DOT: '.';
SEMICOLON: ';';
QUESTION: '?';

// 'it''s' -- a quote inside a string is doubled.
STRING: '\'' (~'\'' | '\'\'')* '\'';

// X'0aff' -- the digits are checked by the AST builder so that a bad digit gets a clear message.
BINARY_STRING: 'X\'' ~'\''* '\'';

INTEGER_VALUE: DIGIT+;

DECIMAL_VALUE
    : DIGIT+ '.' DIGIT*
    | '.' DIGIT+
    ;

DOUBLE_VALUE
    : DIGIT+ ('.' DIGIT*)? EXPONENT
    | '.' DIGIT+ EXPONENT
    ;

IDENTIFIER: [A-Z_] [A-Z_0-9]*;

QUOTED_IDENTIFIER: '"' (~'"' | '""')* '"';

SIMPLE_COMMENT: '--' ~[\r\n]* -> channel(HIDDEN);

BLOCK_COMMENT: '/*' .*? '*/' -> channel(HIDDEN);

WS: [ \t\r\n\f]+ -> channel(HIDDEN);

// Error tokens. Each matches a strict prefix of its well-formed counterpart, so the longest-match
// rule only picks it when the well-formed token cannot be completed (input ends first).
UNTERMINATED_STRING: '\'' (~'\'' | '\'\'')*;
UNTERMINATED_QUOTED_IDENTIFIER: '"' (~'"' | '""')*;
UNTERMINATED_COMMENT: '/*' (~'*' | '*'+ ~[*/])* '*'*;

// Anything else: a single character no rule accepts.
ERROR_CHAR: .;

fragment DIGIT: [0-9];
fragment EXPONENT: 'E' [+-]? DIGIT+;
